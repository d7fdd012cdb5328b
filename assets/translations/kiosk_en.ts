<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="vi_VN">
<context>
    <name>ConfirmPage</name>
    <message>
        <source>Số thứ tự của bạn</source>
        <translation>Your number</translation>
    </message>
    <message>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>In lại</source>
        <translation>Print again</translation>
    </message>
    <message>
        <source>Màn hình tự quay lại sau {n} giây</source>
        <translation>This screen goes back in {n} seconds</translation>
    </message>
    <message>
        <source>ƯU TIÊN</source>
        <translation>PRIORITY</translation>
    </message>
    <message>
        <source>Số người đang chờ trước bạn: {n}</source>
        <translation>People waiting before you: {n}</translation>
    </message>
    <message>
        <source>Giờ lấy số: {time}</source>
        <translation>Issued at: {time}</translation>
    </message>
    <message>
        <source>Đang in phiếu…</source>
        <translation>Printing your ticket…</translation>
    </message>
    <message>
        <source>Mời nhận phiếu</source>
        <translation>Please take your ticket</translation>
    </message>
    <message>
        <source>Không in được phiếu. Vui lòng ghi nhớ số thứ tự của bạn: {number}</source>
        <translation>The ticket could not be printed. Please remember your number: {number}</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>Thứ Hai</source>
        <translation>Monday</translation>
    </message>
    <message>
        <source>Thứ Ba</source>
        <translation>Tuesday</translation>
    </message>
    <message>
        <source>Thứ Tư</source>
        <translation>Wednesday</translation>
    </message>
    <message>
        <source>Thứ Năm</source>
        <translation>Thursday</translation>
    </message>
    <message>
        <source>Thứ Sáu</source>
        <translation>Friday</translation>
    </message>
    <message>
        <source>Thứ Bảy</source>
        <translation>Saturday</translation>
    </message>
    <message>
        <source>Chủ Nhật</source>
        <translation>Sunday</translation>
    </message>
</context>
<context>
    <name>OutOfServicePage</name>
    <message>
        <source>Tạm ngừng cấp số thứ tự.</source>
        <translation>Number issuing paused.</translation>
    </message>
    <message>
        <source>Máy in đang gặp sự cố, vui lòng liên hệ cán bộ tại quầy.</source>
        <translation>The ticket printer has a problem. Please ask the staff at the counter.</translation>
    </message>
    <message>
        <source>Máy sẽ tự hoạt động lại khi máy in sẵn sàng.</source>
        <translation>The kiosk starts again by itself when the printer is ready.</translation>
    </message>
</context>
<context>
    <name>PriorityPage</name>
    <message>
        <source>Chọn đối tượng ưu tiên</source>
        <translation>Who has priority?</translation>
    </message>
    <message>
        <source>Cán bộ tại quầy có thể đề nghị xuất trình giấy tờ.</source>
        <translation>Staff at the counter may ask to see a document.</translation>
    </message>
    <message>
        <source>Quay lại</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>ServiceButton</name>
    <message>
        <source>Đang chờ: {n}</source>
        <translation>Waiting: {n}</translation>
    </message>
    <message>
        <source>Ngoài giờ tiếp nhận</source>
        <translation>Closed now</translation>
    </message>
</context>
<context>
    <name>StartPage</name>
    <message>
        <source>Ưu tiên: {who}. Mời chọn dịch vụ.</source>
        <translation>Priority: {who}. Please choose a service.</translation>
    </message>
    <message>
        <source>Mời chọn dịch vụ</source>
        <translation>Please choose a service</translation>
    </message>
    <message>
        <source>Ưu tiên</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>Người cao tuổi, người khuyết tật, phụ nữ mang thai, người đi cùng trẻ nhỏ</source>
        <translation>Elderly, people with disabilities, pregnant women, people with small children</translation>
    </message>
    <message>
        <source>Bỏ ưu tiên</source>
        <translation>Cancel priority</translation>
    </message>
</context>
</TS>
